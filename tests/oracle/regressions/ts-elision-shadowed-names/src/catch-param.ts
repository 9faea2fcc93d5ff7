// found by the oracle (seeds 21, 103, 146): the catch parameter shadows the import
import { value } from './tla.js';
try {} catch (value) { void value; }
