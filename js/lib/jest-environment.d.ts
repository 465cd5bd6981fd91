import NodeEnvironment from 'jest-environment-node';

/** The mirra Jest environment: jest-environment-node with the session applied. */
declare class MirraEnvironment extends NodeEnvironment {}

declare namespace MirraEnvironment {
  /** Options under `testEnvironmentOptions: { mirra: ... }`. */
  interface MirraJestOptions {
    /** 'run' (default): the global setup's session; 'file': one per test file. */
    scope?: 'run' | 'file';
    mirrors?: string[];
    seeds?: Record<string, string>;
    /** The `mirra` executable, if the global setup must start a server. */
    command?: string;
    /** MIRRA_HOME to look in for a running server. */
    home?: string;
  }
}

export = MirraEnvironment;
