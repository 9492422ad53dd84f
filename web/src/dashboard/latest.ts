// Only the newest of a screen's requests may set what it shows: an answer to an older one (the
// first listing, asked for as the screen opens, or the filters before the last change) can
// arrive after the newer one's and would otherwise replace it.

import { useRef } from "preact/hooks";

/** Returns `ask`: call it as a request starts; the check it returns holds while no later one has. */
export function useLatest(): () => () => boolean {
  const count = useRef(0);
  return () => {
    const asked = ++count.current;
    return () => asked === count.current;
  };
}
