import type { Plugin } from 'vitest/config';
import type { ServerOptions, SessionOptions } from './index';

export interface MirraPluginOptions extends ServerOptions, SessionOptions {
  /** 'run' (default): one session for the whole run; 'file': one per test file. */
  scope?: 'run' | 'file';
  /** Also put the preload in NODE_OPTIONS, for processes the tests spawn (default true). */
  nodeOptions?: boolean;
}

/** `plugins: [mirra()]` in vitest.config: the suite's SDK calls go to a mirra session. */
export function mirra(options?: MirraPluginOptions): Plugin;
export default mirra;
