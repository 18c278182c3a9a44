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
export { SSH_FAILURE_EXIT, CONNECTION_FAILURES, targetError, targetPrefix } from './target-error.js'
export type { ExecRequest, ExecResult, PtyRequest, RemoteSession } from './remote-session.js'
export { openSession, masterSocketPath, queryMasterStatus, type OpenSessionOptions } from './open-session.js'
export type { MasterStatus } from './mux-protocol.js'
export { sshClientSettings, DEFAULT_PERSIST_SECONDS, type SshClientSettings } from './ssh-client-settings.js'
export { runSshRequest, checkSshRequest, type SshRequestIo } from './run-ssh-request.js'
export { runRemoteRequest, forwardedArgv, type RemoteRequestIo } from './run-remote-request.js'
export { sshClientInterface, type SshClientInterfaceOptions } from './ssh-client-interface.js'
