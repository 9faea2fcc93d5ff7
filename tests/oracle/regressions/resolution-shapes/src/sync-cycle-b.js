export * as a from './sync-cycle-a.js';
