// found by the oracle (seeds 45, 103): a block-scoped `value` shadows the import, which is unused
import { value } from './tla.js';
{ const value = 1; void value; }
