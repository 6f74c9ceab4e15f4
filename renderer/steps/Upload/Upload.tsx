import { UnavailableStep } from '../../components/UnavailableStep.js';

/** The Upload step is not built yet: the wizard says so honestly instead of showing a fake screen. */
export function Upload() {
  return <UnavailableStep step="upload" />;
}
