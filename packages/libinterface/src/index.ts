export {
  OPERATIONS,
  OPERATION_NAMES,
  isOperation,
  operationSpec,
  type Operation,
  type ActivityOperation,
  type OperationFields,
  type OperationSpec,
  type RequestOf,
  type InterfaceRequest,
  type ServiceActivity,
  type SnapshotFilter,
  type SecretRef,
  type ResultKind,
} from './operations.js'
export { parseResult, outputLines, parseCheckOutcome, formatCheckOutcome, type InterfaceResult, type CheckOutcome } from './interface-result.js'
export { interfaceArgv, requestArgv, requestFromOptions, parseRequest, parseInterfaceArgv, type RequestFromOptions } from './request-argv.js'
export {
  operationOptions,
  requestOptions,
  valueOptions,
  selectedOperations,
  trackOperationOrder,
  lastOperation,
  type RequestOptions,
  type RequestOptionHelp,
} from './request-options.js'
export { checkProfile, usageError, invalidRequest, type Field, type FileLocation } from './request-fields.js'
export {
  interfaceError,
  targetClient,
  withCallOptions,
  type CallOptions,
  type ClientInterface,
  type ClientInterfaces,
  type TargetClient,
} from './client-interface.js'
export { processInterface, processInterfaces, resolveInterface, type ProcessInterfaceOptions } from './process-interface.js'
export { toTargetClient, type InterfaceCall } from './legacy-call.js'
export { ServeFrameType, SERVE_PROTOCOL, type ServeHello, type ServeRequest, type ServeExit } from './serve-protocol.js'
export { capturedExpression } from './captured-config.js'
