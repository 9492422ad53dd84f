// A file sent in a chat, in the dashboard: its name and size as a download link, and a
// thumbnail for images (served from refdesk with the session cookie).

import { fileOf, isImage, sizeText } from "../shared/files";

/** The file a message carries, or its text. */
export function Body({ body }: { body: string }) {
  const f = fileOf(body);
  if (!f) return <p>{body}</p>;
  return (
    <p class="file">
      {isImage(f) && (
        <a href={f.url} target="_blank" rel="noopener">
          <img class="thumb" src={f.url} alt={f.name} />
        </a>
      )}
      <a href={f.url} download={f.name}>
        {f.name} ({sizeText(f.size)})
      </a>
    </p>
  );
}
