import * as path from "node:path";
import { Stack } from "aws-cdk-lib";
import type { App } from "aws-cdk-lib";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";

export class OrdersStack extends Stack {
  constructor(app: App, id: string) {
    super(app, id);
    // an ES module bundle: the handler's module waits for the configuration
    new NodejsFunction(this, "GetOrder", {
      entry: path.join(__dirname, "../lambda/get-order.ts"),
      bundling: { format: OutputFormat.ESM },
    });
    // CDK's default, CommonJS: esbuild refuses the configuration's top-level await
    new NodejsFunction(this, "ListOrders", {
      entry: path.join(__dirname, "../lambda/list-orders.ts"),
    });
  }
}
