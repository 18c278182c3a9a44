export { matchPattern, matchPatternList } from './host-pattern.js'
export { parseSshConfig, settingsForHost, type SshConfigBlock, type SshSetting } from './ssh-config.js'
export { parseSshOpts, splitSshOpts, type SshCommandLine } from './ssh-options.js'
export {
  resolveConnection,
  parseTarget,
  DEFAULT_CONNECT_TIMEOUT_SECONDS,
  type ConnectionParams,
  type ResolveConnectionInput,
  type StrictHostKeyChecking,
} from './resolve-connection.js'
export {
  parseKnownHosts,
  checkHostKey,
  knownHostsName,
  knownHostsLine,
  knownKeyTypes,
  keyFingerprint,
  sshKeyType,
  hashName,
  type KnownHostEntry,
  type HostKeyStatus,
} from './known-hosts.js'
export { SSH_FAILURE_EXIT, targetError, targetPrefix } from './target-error.js'
export type { ExecRequest, ExecResult, PtyRequest, RemoteSession } from './remote-session.js'
export { openSession, masterSocketPath, queryMasterStatus, DEFAULT_PERSIST_SECONDS, type OpenSessionOptions } from './open-session.js'
export type { MasterStatus } from './mux-protocol.js'
export { SSH_CLIENT_OPERATIONS, validateRequest, forwardedArgv, type SshClientOperation, type SshClientRequest } from './ssh-client-request.js'
export { runSshClientOperation, type SshClientIo } from './run-ssh-client-operation.js'
export { sshClientCommand, runSshClientCommand, type SshClientCommandIo } from './ssh-client-command.js'
