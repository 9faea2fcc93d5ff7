/** The shapes of tla-lens's custom requests (README, "Language server"). No `vscode` import here. */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ChainHop {
  uri: string;
  range: Range;
  message: string;
  /** the module this hop leads to (for the last hop: the module with the await) */
  module: string;
}

/** `tla-lens/explain` */
export interface ExplainResult {
  uri: string;
  async: boolean;
  hasTopLevelAwait: boolean;
  format: string;
  topLevelAwait: Range[];
  chain: ChainHop[];
  cause: string | null;
  infects: string[];
  entries: string[];
  cycle: string[];
}

/** One element of `tla-lens/asyncModules`: one top-level await. */
export interface AsyncModuleSite {
  uri: string;
  range: Range;
  /** "await", "for-await", "await-using", "async-wasm" (a `.wasm` module the bundler loads
   * asynchronously), or "async-external" (a webpack external of an async type: `uri` and `range`
   * are its key in the webpack configuration, `name` the request) */
  kind: string;
  name?: string;
  workspace: boolean;
  infects: string[];
  entries: string[];
}

export const EXPLAIN_REQUEST = "tla-lens/explain";
export const ASYNC_MODULES_REQUEST = "tla-lens/asyncModules";
/** `{uri}` -> CachedFile or null: a file inside a zip archive (Yarn's cache) or in Deno's
 * caches, which the server names by CACHED_SCHEME for a client with the experimental capability
 * CACHED_FILES_CAPABILITY. */
export const CACHED_FILE_REQUEST = "tla-lens/cachedFile";
export interface CachedFile {
  text: string;
  /** the editor language of the file ("javascript", "typescript", …), when known */
  languageId?: string;
}
export const CACHED_SCHEME = "tla-lens-cached";
export const CACHED_FILES_CAPABILITY = "tlaLensCachedFiles";

/** The last path segment of a URI (no `vscode` needed). */
export function baseName(uri: string): string {
  const path = uri.replace(/[?#].*$/, "");
  const i = path.lastIndexOf("/");
  return decodeURIComponent(i >= 0 ? path.slice(i + 1) : path);
}
