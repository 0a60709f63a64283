/** Runs the layer's provisioners over the shared SSH session, streaming the guest's output. */
import type { Step } from '../../../build/steps.js';
import { BakeError } from '../../../errors.js';
import { nodeLocalFs } from '../../../provisioners/local-fs.js';
import type { FailedOutcome } from '../../../provisioners/provisioner.js';
import { runProvisioners } from '../../../provisioners/run-provisioners.js';
import type { LayerContext } from '../build-context.js';

/** A provisioner failed: carries what to show (the command, its exit code, its last lines). */
export class ProvisionFailedError extends BakeError {
  constructor(readonly failure: FailedOutcome) {
    super(failure.code, failure.message, failure.hint === undefined ? {} : { hint: failure.hint });
  }
}

export const provisionStep: Step<LayerContext> = {
  name: 'provision',
  async run(ctx, signal) {
    const { req, deps } = ctx;
    const started = deps.clock.now();
    const result = await runProvisioners({
      provisioners: req.buildSource.provisioners,
      comm: ctx.comm!,
      output: { onLine: (_stream, line) => deps.events.output(req.name, line) },
      workDir: req.workDir,
      fs: nodeLocalFs,
      clock: deps.clock,
      log: (message) => deps.events.log(req.name, message),
      build: { name: req.buildSource.name, type: req.buildSource.source.type },
      signal,
    });
    ctx.durations.provisionMs = deps.clock.now() - started;
    if (result.kind === 'failed') throw new ProvisionFailedError(result.failure.outcome);
  },
};
