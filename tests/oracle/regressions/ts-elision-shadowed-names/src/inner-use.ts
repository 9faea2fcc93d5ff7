// not shadowed: a real value use inside a nested scope keeps the import
import { value } from './tla.js';
{ const other = 1; void [other, value]; }
try {} catch (e) { void value; }
