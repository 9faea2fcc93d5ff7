export * from './sync-cycle-b.js';
export const a = 1;
