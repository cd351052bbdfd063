import type { Messages } from "./index";

declare module "use-intl" {
  interface AppConfig {
    Messages: Messages;
  }
}
