export { copyClosureTo, copyClosureFrom, type CopyClosureOptions, type CopyClosureResult } from './copy-closure.js'
