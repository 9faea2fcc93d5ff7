export const key = await Promise.resolve("k" as const);
