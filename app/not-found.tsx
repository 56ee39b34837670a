import { NotFoundView } from "./_components/access-views";

export const metadata = { title: "Not found" };

export default function NotFound() {
  return <NotFoundView />;
}
