import { value } from './tla.js';
export let x: typeof value | undefined;
