import { key } from './tla.js';
type K = { k: typeof key };
