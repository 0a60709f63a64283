/**
 * Every command: its spec (read by the parser and by --help) and a runner that turns parsed argv
 * into the command function's typed options. The command modules are imported only when run, so
 * `bake --help` never loads the template engine.
 */
import { parseArgv, type FlagSpec, type Parsed } from './argv.js';
import { checkArity, helpFlag, type CommandSpec } from './command-spec.js';
import type { Engine } from './engine.js';
import type { ExitCode } from './exit-codes.js';
import type { IoHost } from './io.js';
import { templateFlags, templateInputs } from './template-flags.js';
import { UsageError } from './errors.js';

export interface Command {
  spec: CommandSpec;
  /** Parses the arguments after the command name and runs it. */
  run(argv: readonly string[], host: IoHost): Promise<ExitCode>;
}

function defineCommand<const Fs extends readonly FlagSpec[]>(
  spec: CommandSpec<Fs>,
  run: (args: Parsed<Fs>, host: IoHost) => Promise<ExitCode>,
): Command {
  return {
    spec,
    async run(argv, host) {
      const parsed = parseArgv(argv, [...spec.flags, helpFlag] as const, { command: `bake ${spec.name}` });
      checkArity(spec, parsed.positionals);
      return run(parsed as Parsed<Fs>, host);
    },
  };
}

/** Loaded only by the commands that read templates. */
async function engine(): Promise<Engine> {
  const { realEngine } = await import('./engine.js');
  return realEngine();
}

const pipelineFlag = {
  name: 'pipeline',
  kind: 'string',
  valueName: 'FILE',
  description: 'The pipeline file; default: the only file in pipelines/',
} as const;

/** A flag the command cannot run without. */
function requiredFlag(value: string | undefined, name: string, valueName: string, command: string): string {
  if (value === undefined || value === '') throw new UsageError('ERR_BAKE_USAGE_MISSING_FLAG', `bake ${command} needs --${name} ${valueName}`, { hint: `See bake ${command} --help.` });
  return value;
}

/** 130 and 143, for a command that cleans up when SIGINT or SIGTERM stops it (ExitCode.interrupted, .terminated). */
function signalExitCodes(afterwards: string): [number, string][] {
  return [
    [130, `interrupted (SIGINT), ${afterwards}`],
    [143, `terminated (SIGTERM), ${afterwards}`],
  ];
}

const envFlag = { name: 'env', kind: 'string', valueName: 'ENV', description: 'The environment (required)' } as const;

/** --env (required) and --pipeline, as rollback, status and down take them. */
function environmentFlags(flags: { env?: string | undefined; pipeline?: string | undefined }, command: string): { env: string; pipeline?: string } {
  return { env: requiredFlag(flags.env, 'env', 'ENV', command), ...(flags.pipeline === undefined ? {} : { pipeline: flags.pipeline }) };
}

const templateArg = {
  name: 'FILE',
  description:
    'A template file, or a directory whose *.pkr.hcl / *.hcl files make one template. Looked up in the ' +
    'current directory, then in templates/.',
  required: true,
} as const;

export const commands: readonly Command[] = [
  defineCommand(
    {
      name: 'validate',
      summary: 'Check templates and report every error with its location',
      description:
        'Parses each template, checks its blocks and attributes, evaluates variables, locals and ' +
        'expressions, and resolves every reference. All problems are reported at once, each with ' +
        'its file, line and column.',
      args: [{ ...templateArg, variadic: true }],
      flags: templateFlags,
      examples: ['bake validate tomcat7-fluentd.hcl', 'bake validate -var app_version=7.0.109 templates/'],
    },
    async ({ flags, positionals }, host) => {
      const { validate } = await import('./commands/validate.js');
      return validate({ files: positionals, ...templateInputs(flags) }, host, await engine());
    },
  ),
  defineCommand(
    {
      name: 'inspect',
      summary: 'Show the variables, locals, sources and builds of a template',
      description:
        'Loads a template and prints what it declares after evaluation: variables with their values ' +
        '(sensitive ones as <sensitive>), locals, sources with their settings, and for each build its ' +
        'sources, provisioners in the order they run, and post-processors.',
      args: [templateArg],
      flags: [
        ...templateFlags,
        { name: 'json', kind: 'boolean', description: 'Print a JSON document instead (stable fields, for scripts)' },
      ],
      examples: ['bake inspect tomcat7-fluentd.hcl', 'bake inspect --json tomcat7-fluentd.hcl | jq ".builds[0].provisioners"'],
    },
    async ({ flags, positionals }, host) => {
      const { inspect } = await import('./commands/inspect.js');
      return inspect({ file: positionals[0]!, json: flags.json, ...templateInputs(flags) }, host, await engine());
    },
  ),
  defineCommand(
    {
      name: 'fmt',
      summary: 'Rewrite templates in the canonical layout',
      description:
        'Rewrites HCL files in the canonical layout (indentation, aligned "=") and prints the name of ' +
        'each file it changed. A directory means its *.hcl files. As with "packer fmt -check", --check ' +
        'writes nothing and exits with 3 when a file needs formatting.',
      args: [{ name: 'PATH', description: 'A file or directory; looked up like a template', required: true, variadic: true }],
      flags: [
        { name: 'check', kind: 'boolean', description: 'Write nothing; exit with 3 if any file needs formatting' },
        { name: 'diff', kind: 'boolean', description: 'Print a unified diff of each change' },
        { name: 'write', kind: 'boolean', default: true, description: 'Write the formatted files (never with --check)' },
        { name: 'recursive', kind: 'boolean', description: 'Also format files in subdirectories' },
      ],
      extraExitCodes: [[3, 'some files need formatting (with --check)']],
      examples: ['bake fmt templates/', 'bake fmt --check --diff templates/'],
    },
    async ({ flags, positionals }, host) => {
      const { fmt } = await import('./commands/fmt.js');
      return fmt(
        { paths: positionals, check: flags.check, diff: flags.diff, write: flags.write, recursive: flags.recursive },
        host,
        await engine(),
      );
    },
  ),
  defineCommand(
    {
      name: 'build',
      summary: 'Build an image, and the layers below it that are missing or stale',
      description:
        'Plans the layer chain of TEMPLATE (each "parent" is a template of that name beside it or in ' +
        'templates/, else a stored image), reuses every layer whose content hash matches an image ' +
        'younger than its max_age, and builds the rest base first with the local qemu builder: ' +
        'boot, provision over SSH, power down, commit as a qcow2 layer in BAKE_HOME (default .bake). ' +
        'SIGINT/SIGTERM stop the build after cleaning up (exit 130/143).',
      args: [{ ...templateArg, name: 'TEMPLATE' }],
      flags: [
        ...templateFlags,
        { name: 'force', kind: 'boolean', description: 'Rebuild the target layer even when an image with its hash exists' },
        { name: 'no-cache', kind: 'boolean', description: 'Rebuild every layer of the chain' },
        {
          name: 'on-error',
          kind: 'string',
          valueName: 'POLICY',
          choices: ['cleanup', 'abort', 'ask'],
          description: 'When a step fails: cleanup (default), abort (leave the VM running and print how to log in), ask (on a terminal)',
        },
        { name: 'json', kind: 'boolean', description: 'Print a JSON result on stdout (progress goes to stderr)' },
      ],
      extraExitCodes: signalExitCodes('after cleaning up'),
      examples: ['bake build webapp.hcl', 'bake build -var app_version=1.2.0 -on-error=abort webapp.hcl'],
    },
    async ({ flags, positionals }, host) => {
      const { build } = await import('./commands/build.js');
      return build(
        {
          file: positionals[0]!,
          force: flags.force,
          noCache: flags['no-cache'],
          onError: (flags['on-error'] ?? 'cleanup') as 'cleanup' | 'abort' | 'ask',
          json: flags.json,
          ...templateInputs(flags),
        },
        host,
        await engine(),
      );
    },
  ),
  defineCommand(
    {
      name: 'images',
      summary: 'List the images in the local store',
      description: 'Lists the images in BAKE_HOME, newest first: id, name, parent image, content hash, creation time and the bytes the layer adds.',
      args: [],
      flags: [{ name: 'json', kind: 'boolean', description: 'Print a JSON array instead' }],
    },
    async ({ flags }, host) => {
      const { images } = await import('./commands/images.js');
      return images({ json: flags.json }, host);
    },
  ),
  defineCommand(
    {
      name: 'rmi',
      summary: 'Remove an image from the local store',
      description: 'Removes an image by id, or the newest image with a name. Refuses while another image is layered on it.',
      args: [{ name: 'IMAGE', description: 'An image id (img-...) or name', required: true }],
      flags: [],
    },
    async ({ positionals }, host) => {
      const { rmi } = await import('./commands/images.js');
      return rmi({ ref: positionals[0]! }, host);
    },
  ),
  defineCommand(
    {
      name: 'gc',
      summary: 'Remove what killed builds and deployments left behind',
      description:
        'Stops VMs whose bake has exited and removes staging directories whose build is gone; finishes or ' +
        'rolls back deployments whose bake was killed, destroys groups kept past keep_previous and ' +
        'instances no group owns. Never touches a live group. Says what it removed.',
      args: [],
      flags: [],
    },
    async (_args, host) => {
      const { gc } = await import('./commands/images.js');
      return gc(host);
    },
  ),
  defineCommand(
    {
      name: 'promote',
      summary: 'Deploy an image to an environment, blue/green',
      description:
        'Launches a new group from the image, waits until the load balancer\'s health checks pass on ' +
        'every instance, moves traffic to it, checks that answers come from it, and keeps the previous ' +
        'group in standby for keep_previous. With no IMAGE, the first environment of the pipeline takes ' +
        'the newest image of its template and every later one what is live in the environment before it. ' +
        'If the new group fails, it is destroyed and the previous one keeps serving.',
      args: [{ name: 'IMAGE', description: 'An image id (img-...) or name; default: see above', required: false }],
      flags: [
        { name: 'to', kind: 'string', valueName: 'ENV', description: 'The environment to promote to (required)' },
        pipelineFlag,
        { name: 'dry-run', kind: 'boolean', description: 'Print the plan and change nothing' },
        { name: 'json', kind: 'boolean', description: 'Print a JSON result on stdout (progress goes to stderr)' },
      ],
      extraExitCodes: signalExitCodes('the new group is destroyed, the previous one serves'),
      examples: ['bake promote --to staging', 'bake promote --to staging img-3f2a9c01b2d4 --dry-run', 'bake promote --to prod'],
    },
    async ({ flags, positionals }, host) => {
      const { promote } = await import('./commands/deploy.js');
      return promote(
        {
          to: requiredFlag(flags.to, 'to', 'ENV', 'promote'),
          dryRun: flags['dry-run'],
          json: flags.json,
          ...(positionals[0] === undefined ? {} : { image: positionals[0] }),
          ...(flags.pipeline === undefined ? {} : { pipeline: flags.pipeline }),
        },
        host,
      );
    },
  ),
  defineCommand(
    {
      name: 'rollback',
      summary: 'Go back to what an environment served before its last cutover',
      description:
        'Moves traffic back to the group kept in standby by the last promote and destroys the current one. ' +
        'When no group is kept any more, deploys the image that served before, blue/green.',
      args: [],
      flags: [
        envFlag,
        pipelineFlag,
        { name: 'dry-run', kind: 'boolean', description: 'Print the plan and change nothing' },
        { name: 'json', kind: 'boolean', description: 'Print a JSON result on stdout (progress goes to stderr)' },
      ],
      extraExitCodes: signalExitCodes('the environment is put back as it was'),
      examples: ['bake rollback --env prod', 'bake rollback --env staging --dry-run'],
    },
    async ({ flags }, host) => {
      const { rollback } = await import('./commands/deploy.js');
      return rollback({ ...environmentFlags(flags, 'rollback'), dryRun: flags['dry-run'], json: flags.json }, host);
    },
  ),
  defineCommand(
    {
      name: 'status',
      summary: "Show an environment: live image, groups, health, load balancer",
      description:
        'Shows the live image and group, every group with its instances and their health as the load ' +
        'balancer sees it, and the endpoint. Finishes or rolls back a deployment whose bake was killed.',
      args: [],
      flags: [
        envFlag,
        pipelineFlag,
        { name: 'json', kind: 'boolean', description: 'Print JSON (with endpoint and image) instead' },
      ],
      examples: ['bake status --env staging', 'curl "$(bake status --env staging --json | jq -r .endpoint)"'],
    },
    async ({ flags }, host) => {
      const { status } = await import('./commands/deploy.js');
      return status({ ...environmentFlags(flags, 'status'), json: flags.json }, host);
    },
  ),
  defineCommand(
    {
      name: 'down',
      summary: "Stop everything of an environment",
      description: "Destroys every group of the environment and stops its load balancer. Refuses while the environment serves, unless --force.",
      args: [],
      flags: [
        envFlag,
        pipelineFlag,
        { name: 'force', kind: 'boolean', description: 'Take down an environment that is serving' },
      ],
      examples: ['bake down --env staging --force'],
    },
    async ({ flags }, host) => {
      const { down } = await import('./commands/deploy.js');
      return down({ ...environmentFlags(flags, 'down'), force: flags.force }, host);
    },
  ),
  defineCommand(
    { name: 'version', summary: 'Print the version of bake', description: 'Prints the version of bake and of Node.js.', args: [], flags: [] },
    async (_args, host) => {
      const { version } = await import('./commands/version.js');
      return version(host);
    },
  ),
  defineCommand(
    {
      name: 'help',
      summary: 'Show help for bake or for a command',
      description: 'Without COMMAND, lists the commands; with one, shows its arguments and flags.',
      args: [{ name: 'COMMAND', description: 'The command to explain', required: false }],
      flags: [],
    },
    async ({ positionals }, host) => {
      const { help } = await import('./commands/help.js');
      return help(positionals[0] === undefined ? {} : { topic: positionals[0] }, commands.map((c) => c.spec), host);
    },
  ),
];
