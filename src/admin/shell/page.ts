/** What every console page receives (the contract: `export default function XPage(props: PageProps)`). */
import type { AdminApi } from '../api';

export interface PageProps {
  api: AdminApi;
}
