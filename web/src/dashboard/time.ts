/** "less than 1 min", "4 min", "1 h 5 min" since `iso`, as of `now`. */
export function since(iso: string | null, now: number): string {
  if (!iso) return "";
  const min = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (min < 1) return "less than 1 min";
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
