// RAdam Lab's Getting Started walkthrough (package.json contributes.walkthroughs).
//
// VS Code opens an extension's walkthrough by itself when the extension is installed from a gallery;
// an extension loaded from a folder (`npm start`, extension development) gets VS Code's own welcome
// page instead. `npm start` therefore sets RADAM_OPEN_WALKTHROUGH=1 in the environment of the VS Code
// it starts (the extension host inherits it), and activation (onStartupFinished) opens ours in front.
import * as vscode from 'vscode';

export const WALKTHROUGH_ID = 'radam.gettingStarted';

/** The id VS Code's openWalkthrough command takes: `<publisher>.<name>#<walkthrough id>`. */
export function walkthroughRef(extensionId: string): string {
  return `${extensionId}#${WALKTHROUGH_ID}`;
}

export function openWalkthroughIfAsked(extensionId: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.RADAM_OPEN_WALKTHROUGH !== '1') return;
  // `false`: open it in the editor area (not to the side), as the welcome page would be.
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughRef(extensionId), false);
}
