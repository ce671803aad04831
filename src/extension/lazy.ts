/**
 * What the extension host needs only once it analyses or runs a command: the config file's YAML
 * parser, the file classifier (picomatch), the .env.example quick fixes (dotenv), the API-accept
 * edit. Required on first use (`require('./lazy')`), and bundled as its own file
 * (dist/extension-lazy.js, scripts/build.mjs): activation neither reads nor compiles it.
 */
export { parseConfig } from '../core/config';
export { Classifier } from '../core/classify';
export { BUFFER_FIX_CHECKS, bufferFix } from '../core/env/hygiene';
export { acceptEdit } from '../core/api/accept';
export { parse as parseYaml } from 'yaml';
