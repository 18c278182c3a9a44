import type { Writable } from 'node:stream'

/**
 * Where child output goes: this process's own stdio, an open descriptor (a job log), or a stream (a
 * request of a `--serve` session; children are piped into it and it is left open).
 */
export type TargetOutput = 'inherit' | number | Writable

/** Where a target-side operation runs and where its output goes. */
export interface TargetContext {
  /** Temp files (exports, captured configs) and lock files go here ($TMPDIR, default /tmp). */
  tmpdir: string
  /** The Disnix target profile dir of the executing user (root: /nix/var/nix/profiles/disnix). */
  profileDir: string
  /** The default target of profile-manifest mappings: this machine's host name. */
  hostname: string
  /** Environment of the Nix and Dysnomia children (DYSNOMIA_*, NIX_*, PATH, ...). */
  env: NodeJS.ProcessEnv
  /** Where child output that is not a result goes: our own stdio, or a job log's descriptor. */
  stdout: TargetOutput
  stderr: TargetOutput
  /**
   * Progress lines of the operation itself (lock notifications). May return a promise that settles
   * once the line is written, so output that follows is written after it.
   */
  log: (line: string) => void | Promise<unknown>
  signal?: AbortSignal
}
