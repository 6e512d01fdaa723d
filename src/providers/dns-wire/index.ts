export * from './constants.js';
export { WireFormatError } from '../../errors.js';
export { decodeRdataWith, encodeRdataWith, type RdataCodec } from './codec.js';
export { A, AAAA, OPT, SOA, TSIG, TXT, type EdnsOption, type SoaRdata, type TsigRdata } from './codecs.js';
export { copyLabels, encodeName, lowerQuestionName, NAME, namePointer, readName } from './name.js';
export { decodeMessage, type DecodedMessage, type WireQuestion, type WireRecord } from './reader.js';
export {
  encodeMessage,
  encodeQuestion,
  encodeRecord,
  encodeRr,
  optRecord,
  randomId,
  requestFlags,
  type WireMessageSpec,
  type WireQuestionSpec,
  type WireRecordSpec,
} from './writer.js';
export { decodeRdata, encodeRdata, RECORD_CODEC, RECORD_TYPE_CODE } from './rdata.js';
