import { Synthwell } from './client.js';

export type {
  CatalogModel,
  CatalogModelList,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatMessage,
  CompletionUsage,
  ContentPart,
  DatasetManifest,
  DatasetReason,
  DatasetVerification,
  ErrorBody,
  FinishReason,
  ImageDeleted,
  ImageGenerateParams,
  ImageList,
  ImageListParams,
  ImageSize,
  ImagesResponse,
  Model,
  ModelKind,
  ModelList,
  ModelTier,
  PlanRef,
  ProvenanceKeys,
  ProvenancePublicKey,
  SafetyAction,
  SafetyCategory,
  SafetyFlag,
  SafetyFlagList,
  SafetyFlagListParams,
  SafetyPlanPolicy,
  SafetyPolicy,
  SafetyPolicyList,
  SafetyPolicyUpdate,
  SafetySurface,
  StoredImage,
  ToolCall,
  UsageSummary,
} from '@synthwell/contracts';
export { ChatCompletionStream, type StreamedChatCompletion } from './chat-completion-stream.js';
export { type ClientOptions, DEFAULT_BASE_URL, type Fetch, type SessionToken, Synthwell } from './client.js';
export {
  APIConnectionError,
  APIError,
  type APIErrorObject,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  SynthwellError,
  UnprocessableEntityError,
} from './errors.js';
export type { RequestOptions } from './request-options.js';
export {
  Chat,
  type ChatCompletionCreateParamsNonStreaming,
  type ChatCompletionCreateParamsStreaming,
  Completions,
} from './resources/chat.js';
export { Images } from './resources/images.js';
export { type ModelListParams, Models } from './resources/models.js';
export { Datasets, type DatasetVerifyParams, Provenance } from './resources/provenance.js';
export { Flags, Policies, Safety } from './resources/safety.js';
export {
  Jobs,
  Synthetic,
  type SyntheticEvaluateParams,
  type SyntheticEvaluation,
  type SyntheticJob,
  type SyntheticJobCreateParams,
  type SyntheticJobEvent,
  type SyntheticJobList,
  type SyntheticJobListParams,
  type SyntheticLabParams,
  type SyntheticLabResult,
  type SyntheticRecord,
  type SyntheticRecordListParams,
  type SyntheticRecordPage,
} from './resources/synthetic.js';
export { Usage } from './resources/usage.js';
export { Stream } from './streaming.js';

export default Synthwell;
