// Types for the JavaScript surface of bsonguard (lib/index.js). Hand-written;
// the koffi declarations in lib/ffi.js are internal and not typed here.

/// <reference types="node" />

/** The library's version string, e.g. "0.1.0". */
export const version: string;

/** Every error kind, in the library's order (BSG_KIND_MAP in bsonguard.h). */
export const kinds: readonly Kind[];

export type Kind =
  | 'required' | 'type' | 'enum' | 'min' | 'max' | 'minlength' | 'maxlength'
  | 'regexp' | 'user defined' | 'allowNull' | 'unknown' | 'key' | 'server' | 'limit' | 'malformed';

/* Compile */

export interface CompileOptions {
  /** Name used in diagnostics; default "<schema>" (compileFile uses the path). */
  filename?: string;
  /** Schema text cap in bytes; 0 or absent means the default (16 MiB, also the ceiling). */
  maxSourceSize?: number;
  /** Nesting of `{}` and `[]` in the text; default and ceiling 64. */
  maxSourceDepth?: number;
  /** PCRE2 match limit for each `match` test; default 1,000,000. Reaching it is an error of kind `limit`. */
  regexMatchLimit?: number;
  /** PCRE2 depth limit for each `match` test; default 10,000. */
  regexDepthLimit?: number;
  /**
   Custom validators for `validate: 'name'`: each gets the stored value as the
   driver decodes it and returns true (pass), false (fail with the default
   message) or a string (fail with that message). Called synchronously.
   */
  validators?: Record<string, (value: unknown) => boolean | string>;
}

/** .bsg text as returned by fromMongoose(): compile() accepts it as it is. */
export interface GeneratedSource {
  source: string;
  warnings?: ConversionWarning[];
}

/** A compile diagnostic or lint finding. */
export interface Diagnostic {
  file: string;
  /** 1-based; 0 when not tied to a position (e.g. an unreadable file). */
  line: number;
  /** 1-based, in bytes. */
  column: number;
  /** Byte offset into the schema text. */
  offset: number;
  /** Stable short id: "unknown-option", "mixed-path", "limit", ... */
  code: string;
  /** One sentence: what is wrong. */
  message: string;
  /** A suggestion ("did you mean `required`?"), or "". */
  hint: string;
  /** The offending source line. */
  sourceLine: string;
  /** Rendered as compilers do: `file:line:col: warning: ...`, the line, a caret, the hint. */
  text: string;
}

/**
 * Compile .bsg source (a string, UTF-8 bytes, or fromMongoose() output).
 * @throws BsonGuardError with file, line, column and the caret message.
 */
export function compile(source: string | Uint8Array | GeneratedSource, options?: CompileOptions): SchemaSet;

/** Read and compile a .bsg file. @throws BsonGuardError */
export function compileFile(path: string, options?: Omit<CompileOptions, 'filename'>): SchemaSet;

/* From Mongoose (lib/from-mongoose.js, lib/to-bsg.js) */

/** Something fromMongoose() could not carry into .bsg (a function validator, a setter, ...). */
export interface ConversionWarning {
  /** The schema path it affects; "" for the whole schema. */
  path: string;
  reason: string;
}

/** A Mongoose 9 Schema or Model (typed loosely: mongoose is an optional peer dependency). */
export type MongooseSchemaLike = object;

/** A live Mongoose schema or model as .bsg text, and what could not cross. */
export function fromMongoose(schema: MongooseSchemaLike, options?: { name?: string }):
  { source: string; warnings: ConversionWarning[] };

/** Several models in one .bsg file, shared sub-schemas declared once. */
export function fromMongooseModels(
  models: ReadonlyArray<{ name?: string; schema?: MongooseSchemaLike; model?: MongooseSchemaLike }>,
  options?: { names?: Map<MongooseSchemaLike, string> },
): { source: string; warnings: ConversionWarning[]; models: string[] };

/** The .bsg text of a Mongoose schema, with fromMongoose()'s warnings as comments on top. */
export function toBsg(schema: MongooseSchemaLike, options?: { name?: string }): string;

/**
 * fromMongoose() then compile(): a validator set for a live Mongoose schema or
 * model; its `warnings` list what was not carried. Diagnostics name "<fromMongoose>".
 */
export function compileMongoose(schema: MongooseSchemaLike, options?: CompileOptions & { name?: string }): SchemaSet;

/** A compile error (or an unknown model name, code "unknown-model"). */
export class BsonGuardError extends Error {
  name: 'BsonGuardError';
  /** The rendered diagnostic: `file:line:col: error: ...`, the source line, a caret, the hint. */
  message: string;
  code: string;
  file: string;
  line: number;
  column: number;
  offset: number;
  hint: string;
  sourceLine: string;
  /** The one-sentence message without position or caret. */
  detail: string;
}

/** Every schema of one compiled source. Free it with close(), or leave it to the garbage collector. */
export class SchemaSet {
  private constructor();
  /** The file name given to compile(), or the path. */
  readonly filename: string;
  /** Declared schema names, in declaration order. */
  readonly models: readonly string[];
  /** Hazards that compile fine but bite Mongoose and NestJS users. */
  readonly lint: readonly Diagnostic[];
  /** fromMongoose()'s warnings, when compile() was given its output. */
  warnings?: ConversionWarning[];
  /** The validator for one declared schema; the same object for the same name. @throws BsonGuardError */
  model(name: string): Validator;
  /** Free the compiled schema now, and every validator taken from it. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
}

/* Validate */

export interface ValidateOptions {
  /** Errors kept per document; 0 = no cap. Default 100. */
  maxErrors?: number;
  /** Override every schema's `strict`; 'schema' (default) keeps each schema's own. */
  strict?: boolean | 'throw' | 'schema';
  /** Nesting cap; default 180 (MongoDB's). A lower cap reports kind `limit`. */
  maxDepth?: number;
  /** Document size cap in bytes; default 16 MiB. */
  maxSize?: number;
  /** Elements checked per array; 0 (default) = no cap. */
  maxArrayLength?: number;
  /**
   * For objects only: drop `undefined` values as a client created with
   * `ignoreUndefined: true` does. Default false, the MongoDB driver's default
   * (undefined is stored as null).
   */
  ignoreUndefined?: boolean;
}

export interface ValidationError {
  /** Absolute dotted path, "messages.3.body"; "" for the whole document. */
  path: string;
  kind: Kind;
  /** The SchemaType expected ("String", "ObjectId", ...), or "". */
  expected: string;
  /** The stored BSON type by its $type alias ("int", "string", ...), or "". */
  actual: string;
  /** Human-readable, with Mongoose's default templates. */
  message: string;
  /** The value printed as relaxed Extended JSON; "" when not printable. */
  value: string;
}

export interface ValidationResult {
  valid: boolean;
  /** In document order; empty when valid. */
  errors: readonly ValidationError[];
  /** True when errors beyond maxErrors were dropped. */
  truncated: boolean;
  /** validateMany() on one buffer: the document's first byte in it. */
  offset?: number;
}

export interface BatchResult {
  /** True when every document is valid. */
  valid: boolean;
  count: number;
  invalidCount: number;
  /** One result per document (per array entry); valid documents share one frozen result. */
  results: ValidationResult[];
}

/** A document: BSON bytes, or an object serialized as the MongoDB driver serializes it. */
export type DocumentInput = Uint8Array | ArrayBuffer | Record<string, unknown>;

export class Validator {
  private constructor();
  /** The model's name. */
  readonly name: string;
  readonly schemaSet: SchemaSet;
  /** Validate one document. A valid document returns a shared frozen result. */
  validate(input: DocumentInput, options?: ValidateOptions): ValidationResult;
  /**
   * Validate many documents in one call into the library: documents laid end
   * to end in one buffer (a mongodump .bson file), or an array of documents.
   */
  validateMany(input: Uint8Array | ArrayBuffer | readonly DocumentInput[], options?: ValidateOptions): BatchResult;
  /** Free this validator's result storage now. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
}
