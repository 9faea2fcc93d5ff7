export const value = await Promise.resolve(1);
export type T = number;
