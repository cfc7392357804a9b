// The staff card check (/staff/verify): reads the member's QR code with the
// device camera where the browser has BarcodeDetector (Chrome on Android,
// ChromeOS and macOS); elsewhere the button stays hidden and the field takes
// a USB/Bluetooth scanner or a paste. What is read is checked on the server
// exactly like a pasted token.
(() => {
  const box = document.getElementById('scan');
  if (!box || box.dataset.ready) return;
  box.dataset.ready = '1';
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices?.getUserMedia) return;
  const start = document.getElementById('scan-start');
  const video = document.getElementById('scan-video');
  const status = document.getElementById('scan-status');
  const input = document.getElementById('token');
  box.hidden = false;
  let stream = null;
  const stop = () => {
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = true;
    start.textContent = 'カメラで読み取る';
  };
  window.addEventListener('pagehide', () => stop());
  start.addEventListener('click', async () => {
    if (stream) {
      stop();
      status.textContent = '';
      return;
    }
    let detector;
    try {
      detector = new BarcodeDetector({ formats: ['qr_code'] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch (_) {
      status.textContent =
        'カメラを使えませんでした。ブラウザでカメラの利用を許可するか、QRコードリーダー・貼り付けをお使いください。';
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    start.textContent = '読み取りをやめる';
    status.textContent = 'QRコードをカメラに向けてください。';
    const tick = async () => {
      if (!stream) return;
      // Left the page: the camera goes off.
      if (!video.isConnected) {
        stop();
        return;
      }
      try {
        const found = (await detector.detect(video)).find((c) => /^[co]1\./.test(c.rawValue));
        if (found) {
          stop();
          status.textContent = '読み取りました。';
          input.value = found.rawValue;
          input.form.requestSubmit();
          return;
        }
      } catch (_) {
        // A frame that could not be read: try the next one.
      }
      setTimeout(tick, 200);
    };
    tick();
  });
})();
