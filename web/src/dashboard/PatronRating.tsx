// An ended chat's rating by its patron, if they gave one, in its pane.

import { useEffect, useState } from "preact/hooks";
import type { RatingView } from "../shared/api";
import { http } from "./http";
import { ratings } from "./state";

export function PatronRating({ chatId }: { chatId: string }) {
  const [rating, setRating] = useState<RatingView | null | undefined>(undefined);
  useEffect(() => {
    http<RatingView | null>("GET", `/api/chats/${chatId}/rating`).then(setRating, () => setRating(null));
  }, [chatId]);
  const live = ratings.value[chatId];
  if (live) return <p class="patron-rating">{text(live)}</p>;
  if (rating === undefined) return null;
  return <p class="patron-rating">{rating ? text(rating) : "The patron has not rated this chat."}</p>;
}

const text = (r: RatingView) => `The patron rated this chat ${r.stars} of 5${r.comment ? `: “${r.comment}”` : "."}`;
