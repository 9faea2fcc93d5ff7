// found by the oracle (seeds 108, 131): a computed property name in a type is a *value*
// reference to `key`, so TypeScript keeps the import (and the importer is async)
import { key } from './tla.js';
type K = { [key]: number };
