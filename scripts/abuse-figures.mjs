// Load figures of issue 8 (sign-in and chat-start floods) against a running `refdesk demo`.
// Usage: node scripts/abuse-figures.mjs http://127.0.0.1:PORT SERVER_PID
// Loopback only. Prints one JSON object per scenario.
import http from "node:http";
import fs from "node:fs";

const [base, pid] = process.argv.slice(2);
const url = new URL(base);
if (!["127.0.0.1", "localhost"].includes(url.hostname)) throw new Error("loopback only");
const agent = (addr) => new http.Agent({ keepAlive: false, localAddress: addr, maxSockets: Infinity });

function post(path, body, localAddress) {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = http.request(
      { host: url.hostname, port: url.port, path, method: "POST", agent: agent(localAddress),
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) } },
      (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); },
    );
    req.on("error", () => resolve(0));
    req.end(data);
  });
}

const rss = () => {
  const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (k) => Number(s.match(new RegExp(`${k}:\\s+(\\d+)`))[1]);
  return { rss_mib: +(kib("VmRSS") / 1024).toFixed(1), peak_mib: +(kib("VmHWM") / 1024).toFixed(1) };
};
const count = (codes) => codes.reduce((m, c) => ((m[c] = (m[c] ?? 0) + 1), m), {});

async function widget() {
  const html = await (await fetch(`${base}/demo/riverside`)).text();
  return html.match(/data-widget="([0-9a-f-]{36})"/)[1];
}

// 1. 500 concurrent wrong sign-ins from one address, and a real one from another meanwhile.
const idle = rss();
let t = Date.now();
const flood = Array.from({ length: 500 }, (_, i) =>
  post("/api/auth/login", { email: "alice@riverside.example", password: `wrong-${i}` }, "127.0.0.2"));
const legit = post("/api/auth/login", { email: "bob@riverside.example", password: "refdesk-demo" }, "127.0.0.3");
const codes = await Promise.all(flood);
const legitCode = await legit;
console.log(JSON.stringify({ scenario: "500 concurrent wrong sign-ins", idle, after: rss(),
  answers: count(codes), legit_sign_in: legitCode, ms: Date.now() - t }));

// 2. 1,000 chat starts in one second from one address; another address starts one meanwhile.
const w = await widget();
t = Date.now();
const starts = [];
for (let i = 0; i < 1000; i++) {
  starts.push(post("/api/chats", { widget_id: w, question: `spam ${i}` }, "127.0.0.4"));
  if (i % 100 === 99) await new Promise((r) => setTimeout(r, 100));
}
const other = await post("/api/chats", { widget_id: w, question: "Where are the 1911 maps?" }, "127.0.0.5");
const startCodes = await Promise.all(starts);
console.log(JSON.stringify({ scenario: "1,000 chat starts in a second from one address",
  answers: count(startCodes), other_address: other, ms: Date.now() - t, after: rss() }));
