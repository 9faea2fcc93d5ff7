// The settings come from the server before anything else runs: a top-level await.
const response = await fetch("/settings.json");

export const settings = await response.json();
