/**
 * Whether WebGL here runs on a GPU. Chromium (and so Electron) falls back to a software
 * rasterizer when it finds no usable GPU: in a VM, over remote desktop, on a blocklisted driver.
 * WebGL still works there, so xterm.js's WebGL addon loads and never reports a failure, but every
 * frame is then drawn by the CPU the agents, Lanes and the page share. Measured on a 2-core VM
 * with SwiftShader (bench/terminal.bench.ts, 8 of 9 terminals flooding), keystroke → echo drawn
 * p95 was 123 ms with WebGL against 68 ms with the DOM renderer, and 291 against 54 ms beside
 * two CPU-bound loops. So "GPU terminals" means "use the GPU when there is one".
 */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|lavapipe|software rasterizer|microsoft basic render/i;

/** Whether a WebGL renderer name (as `UNMASKED_RENDERER_WEBGL` gives it) is a software rasterizer. */
export function isSoftwareRenderer(name: string): boolean {
  return SOFTWARE_RENDERERS.test(name);
}

export interface WebglDevice {
  /** The renderer's name, e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))". */
  readonly name: string;
  readonly software: boolean;
}

let probed: WebglDevice | null | undefined;

/** What draws WebGL in this page, asked once; null when there is no WebGL2 at all. */
export function webglDevice(): WebglDevice | null {
  if (probed !== undefined) return probed;
  probed = null;
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
      probed = { name, software: isSoftwareRenderer(name) };
      // Browsers allow few contexts at once: give this one back now, not when it is collected.
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    probed = null;
  }
  return probed;
}
