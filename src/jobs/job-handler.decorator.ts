import { SetMetadata } from '@nestjs/common';

export const JOB_HANDLER = 'cultivation:job-handler';

/**
 * Marks a provider method as the handler of one named job. Each name has exactly one handler; the registry checks it
 * at start against the declared job names, so a job can never be queued that nothing would run.
 */
export const JobHandler = (name: string) => SetMetadata(JOB_HANDLER, name);
