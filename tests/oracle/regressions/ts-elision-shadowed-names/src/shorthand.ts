import { value } from './tla.js';
export const o = { value };
