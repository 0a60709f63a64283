/**
 * The resolved template: what the engine hands to builders and to `bake inspect` once parsing,
 * schema checks and evaluation have succeeded. Values are fully evaluated; ranges point back at
 * the declaring block so later stages (builders, provisioners) can still report locations.
 */
import type { Range } from './diagnostics.js';
import type { Value, ValueObject } from './value.js';

export type VariableSource = 'default' | 'env' | 'auto-var-file' | 'var-file' | 'cli';

export interface Variable {
  name: string;
  /** The type constraint as written, e.g. `string`, `list(string)`; absent means `any`. */
  type?: string;
  description?: string;
  sensitive: boolean;
  value: Value;
  /** Where the value came from; lower entries in VariableSource override earlier ones. */
  from: VariableSource;
  range: Range;
}

export interface Source {
  /** e.g. `qemu`, `amazon-ebs`, `bake-local`. */
  type: string;
  name: string;
  /** `${type}.${name}`, the key used by `sources = ["source.TYPE.NAME"]` and `-only`. */
  ref: string;
  config: ValueObject;
  range: Range;
}

/** A provisioner or post-processor as declared in a build: its type, settings and filters. */
export interface Component {
  type: string;
  /** Optional `name` attribute, as in Packer (`provisioner "shell" { name = "..." }`). */
  name?: string;
  config: ValueObject;
  /** Build sources this component is limited to / excluded from (Packer's only/except). */
  only?: string[];
  except?: string[];
  range: Range;
}

export type Provisioner = Component;
export type PostProcessor = Component;

/**
 * One source as used by a build, with the build's nested `source` block overrides applied. This
 * is what a builder runs: its provisioners are filtered by only/except and evaluated with
 * `source.name` / `source.type` bound to this source.
 */
export interface BuildSource {
  ref: string;
  /** The build-local name (`name` in a nested source block), defaults to the source's name. */
  name: string;
  source: Source;
  config: ValueObject;
  provisioners: Provisioner[];
  postProcessors: PostProcessor[];
  range: Range;
}

export interface Build {
  name?: string;
  description?: string;
  sources: BuildSource[];
  /**
   * Every declared provisioner in declared order, for display (`bake inspect`); configs are those
   * of the first build source each applies to. Builders use BuildSource.provisioners.
   */
  provisioners: Provisioner[];
  postProcessors: PostProcessor[];
  /** Packer's `error-cleanup-provisioner`: runs only when the build fails. */
  errorCleanupProvisioner?: Provisioner;
  range: Range;
}

export interface DataSource {
  type: string;
  name: string;
  config: ValueObject;
  range: Range;
}

export interface Template {
  /** The files that make up the template (one file, or every *.pkr.hcl/*.hcl of a directory). */
  files: string[];
  /** Directory that relative paths in the template resolve against (`path.root`). */
  root: string;
  variables: Variable[];
  locals: Record<string, Value>;
  sources: Source[];
  data: DataSource[];
  builds: Build[];
  /** `packer { required_version = ... }` and friends, accepted and checked. */
  requirements: ValueObject;
}

/** The value shown instead of a sensitive variable's value, everywhere. */
export const REDACTED = '<sensitive>';
