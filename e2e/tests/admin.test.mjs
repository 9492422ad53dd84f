// The admin screens (issue 9, item 1): a library's admin manages its staff, their roles and
// co-op access, and cannot delete a department in use; the co-op's admin sets a member's
// hours, adds a library and is told why a member that routes chats to the co-op cannot leave;
// the installation's admin adds a library and a co-op. axe checks each screen.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { signIn } from "../lib/steps.mjs";

describe("admin screens in a browser", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("a library's admin manages staff, roles, co-op access and departments", async () => {
    const { url } = server;
    const { shot } = screenshots("06-staff");
    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Library settings" }).click();
    const staff = rita.getByRole("region", { name: "Staff" });
    await staff.getByRole("rowheader", { name: "Bob Binder" }).waitFor();

    const add = staff.getByRole("group", { name: "Add a staff account" });
    await add.getByLabel("Name").fill("Nia Novak");
    await add.getByLabel("Email").fill("nia@riverside.example");
    await add.getByLabel(/First password/).fill("refdesk-demo");
    await add.getByRole("button", { name: "Add staff account" }).click();
    await staff.getByRole("status").filter({ hasText: "Nia Novak can now sign in." }).waitFor();
    await staff.getByRole("rowheader", { name: "Nia Novak" }).waitFor();

    await staff.getByLabel("Role of Bob Binder").selectOption("institution_admin");
    await staff.getByRole("status").filter({ hasText: "Bob Binder's role changed." }).waitFor();
    const bobCoop = staff.getByRole("row", { name: /Bob Binder/ }).getByRole("checkbox", { name: "Three Rivers Library Co-op" });
    assert.equal(await bobCoop.isChecked(), true);
    await bobCoop.click();
    await staff.getByRole("status").filter({ hasText: "Bob Binder may no longer monitor Three Rivers Library Co-op." }).waitFor();
    assert.equal(await rita.getByLabel("Role of Rita Rivers").isDisabled(), true, "not her own role");
    await assertAccessible(rita, "the staff screen");
    await shot(rita, "staff");

    // Nia signs in; Bob's monitoring list no longer offers the co-op.
    const nia = await newPage(browser);
    await signIn(nia, url, "nia@riverside.example");
    const bob = await newPage(browser);
    await signIn(bob, url, "bob@riverside.example");
    await bob.getByRole("switch", { name: "Local monitoring: Reference" }).waitFor();
    assert.equal(await bob.getByRole("switch", { name: /Co-op monitoring/ }).count(), 0);

    // A department in use is not deleted; an unused one is.
    const boxes = rita.getByRole("region", { name: "Departments and chat boxes" });
    await boxes.getByRole("button", { name: "Delete Reference" }).click();
    await boxes.getByRole("alert").filter({ hasText: "sends its chats to this department" }).waitFor();
    await boxes.getByLabel("New department").fill("Spare");
    await boxes.getByRole("button", { name: "Add department" }).click();
    await boxes.getByRole("button", { name: "Delete Spare" }).click();
    await boxes.getByRole("status").filter({ hasText: "Department Spare deleted." }).waitFor();
    assert.deepEqual(problems, []);
    await Promise.all([rita, nia, bob].map((p) => p.close()));
  });

  test("the co-op's admin sets hours and members; the installation's admin adds a library and a co-op", async () => {
    const { url } = server;
    const { shot } = screenshots("06-coop-admin");
    const sasha = await newPage(browser);
    await signIn(sasha, url, "sasha@lakeside.example");
    await sasha.getByRole("button", { name: "Installation" }).click();
    const libraries = sasha.getByRole("region", { name: "Libraries" });
    await libraries.getByText("Riverside Public Library").waitFor();
    await libraries.getByLabel("Library name").fill("Valley Library");
    await libraries.getByLabel(/Short name/).fill("valley");
    await libraries.getByRole("button", { name: "Add library" }).click();
    await sasha.getByRole("status").filter({ hasText: "Valley Library added." }).waitFor();
    await libraries.getByText("Valley Library").waitFor();
    const coops = sasha.getByRole("region", { name: "Co-ops" });
    await coops.getByLabel("Co-op name").fill("Valley Co-op");
    await coops.getByRole("button", { name: "Add co-op" }).click();
    await coops.getByText("Valley Co-op").waitFor();
    await assertAccessible(sasha, "the installation screen");
    await shot(sasha, "installation");

    const cora = await newPage(browser);
    await signIn(cora, url, "cora@lakeside.example");
    await cora.getByRole("button", { name: "Co-op settings" }).click();
    const members = cora.getByRole("region", { name: "Members and their hours" });
    const riverside = members.getByRole("group", { name: "Riverside Public Library" });
    const hours = riverside.getByLabel(/Contracted hours/);
    await hours.fill("mon 09:00-17:00\ntue 09:00-17:00");
    await riverside.getByLabel(/Closed dates/).fill("2026-12-25");
    await riverside.getByRole("button", { name: "Save hours of Riverside Public Library" }).click();
    await cora.getByRole("status").filter({ hasText: "Hours of Riverside Public Library saved." }).waitFor();
    await cora.reload();
    await cora.getByRole("button", { name: "Co-op settings" }).click();
    assert.equal(await riverside.getByLabel(/Contracted hours/).inputValue(), "mon 09:00-17:00\ntue 09:00-17:00");
    // A bad line is explained and not sent.
    await riverside.getByLabel(/Contracted hours/).fill("someday 9-5");
    await riverside.getByRole("button", { name: "Save hours of Riverside Public Library" }).click();
    await cora.getByRole("alert").filter({ hasText: 'is not like "mon 09:00-17:00"' }).waitFor();

    // Riverside's chat box routes to the co-op: it cannot leave, and Cora is told why.
    await riverside.getByRole("button", { name: "Remove Riverside Public Library from the co-op" }).click();
    await cora.getByRole("alert").filter({ hasText: "routes chats to this co-op" }).waitFor();
    await members.getByLabel(/Add a library/).fill("valley");
    await members.getByRole("button", { name: "Add library" }).click();
    await members.getByRole("group", { name: "Valley Library" }).waitFor();
    await cora.getByRole("region", { name: "Who may monitor the co-op" }).getByText("Alice Archer (Riverside Public Library)").waitFor();
    await assertAccessible(cora, "the co-op settings screen");
    await shot(cora, "coop-settings");
    assert.deepEqual(problems, []);
  });
});
