export { ERROR_CODES, type ErrorCode } from './error-codes.js'
export {
  DisnixError,
  ChildProcessError,
  isDisnixError,
  isErrorCode,
  hasErrorCode,
  type DisnixErrorOptions,
  type ChildProcessErrorOptions,
} from './disnix-error.js'
export {
  defineTool,
  defineSubcommand,
  plainSession,
  type ToolDefinition,
  type ToolRun,
  type ToolIo,
  type ExitStatus,
  type EnvironmentVariable,
  type Session,
  type RunOutcome,
  type SubcommandDefinition,
} from './tool-definition.js'
export { commandFor, toolOptions, toolEnvironment, toolExitStatuses, type ParsedCommandLine } from './tool-command.js'
export { runMain, runToolInProcess, errorReport, exitStatusOf, ARGV_ON_STDIN, INTERNAL_ERROR_STATUS, type ErrorReport } from './run-tool.js'
export { toolArgv, parseToolArgv } from './tool-argv.js'
export {
  DEFAULT_PROFILE,
  DEFAULT_CLIENT_INTERFACE,
  DEFAULT_TARGET_PROPERTY,
  DEFAULT_MAX_CONCURRENT_TRANSFERS,
  profileOption,
  interfaceOption,
  targetPropertyOption,
  coordinatorProfilePathOption,
  maxConcurrentTransfersOption,
  keepOption,
  showTraceOption,
  logFormatOption,
  verboseOption,
  envFlagOption,
  envFlag,
  positiveInteger,
  nonNegativeInteger,
  collect,
} from './common-options.js'
export { NAME_RULE, MODULE_TYPE_RULE, isValidName, isValidModuleType, invalidNameMessage, checkName, profileName, type NameKind } from './names.js'
export { installRoot, toolPath, bundledModulesDir, nixExprDir, binDir } from './install-paths.js'
export { quoteShellArg, quoteShellArgs } from './shell-quote.js'
export { runCommand, commandError, reportedToolError, type RunCommandOptions, type CommandResult } from './run-command.js'
export {
  childProcessError,
  execaOutcome,
  isExecaError,
  lastLines,
  FAILURE_CONTEXT_LINES,
  type ChildOutcome,
  type ChildContext,
} from './child-process-error.js'
export { runChild, childFailure, type RunChildOptions, type ChildRun, type ChildInput, type ChildOutput, type ChildFailureOptions } from './run-child.js'
export { redact } from './redact.js'
export {
  SECRET_PROPERTY_WORDS,
  SECRET_PROPERTIES_ENV,
  SECRET_PROPERTIES_HELP,
  REDACTED,
  secretPropertyWords,
  isSecretProperty,
  maskArgument,
  maskArguments,
  maskProperties,
  secretValues,
  argumentSecrets,
} from './secret-properties.js'
export {
  silentProgress,
  plainProgress,
  plainLine,
  coordinatorLine,
  targetLine,
  formatBytes,
  formatDuration,
  progressError,
  withPhase,
  type ProgressEvent,
  type ProgressSink,
  type MessageEvent,
  type PhaseEvent,
  type StepEvent,
  type StepStatus,
  type TransferEvent,
  type ExpectEvent,
  type ProgressError,
} from './progress.js'
export { emptyRunSummary, addToSummary, summaryLines, nothingToDo, targetChanged, type RunSummary, type TargetSummary, type RunStatus } from './run-summary.js'
export { EVENT_STREAM_VERSION, jsonEventOf, type JsonEvent, type JsonEventBase, type JsonTargetSummary, type RunEndFields, type StepFields } from './json-progress.js'
export { createProgressReporter, type ProgressReporter, type ProgressReporterOptions, type LogFormat } from './progress-reporter.js'
export { VERSION, DISNIX_COMPAT_VERSION, DYSNOMIA_COMPAT_VERSION } from './version.js'
export { createProgressRenderer, type ProgressRenderer, type ProgressRendererOptions, type ProgressStream } from './live-progress.js'
export { prefixLines } from './prefix-lines.js'
export { encodeFrame, encodeJsonFrame, frameDecoder, frameWriter, MAX_FRAME_PAYLOAD, type Frame } from './frame-codec.js'
export { forwardStream } from './forward-stream.js'
export { didYouMean, similarWords } from './did-you-mean.js'
