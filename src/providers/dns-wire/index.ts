export * from './constants.js';
export { decodeMessage, readName, WireFormatError, type DecodedMessage, type WireQuestion, type WireRecord } from './reader.js';
export {
  encodeMessage,
  encodeName,
  encodeQuestion,
  encodeRecord,
  randomId,
  requestFlags,
  type WireMessageSpec,
  type WireQuestionSpec,
  type WireRecordSpec,
} from './writer.js';
export { decodeRdata, encodeRdata, RECORD_TYPE_CODE } from './rdata.js';
