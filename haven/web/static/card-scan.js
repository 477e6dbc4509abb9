// The card check's camera (haven/cards/templates/cards/verify.html): read the QR code from the
// camera with jsQR, put its text in the form and send it. Without JavaScript or a camera the
// upload and the text field still work, so this only adds a way.
(function () {
  "use strict";
  var section = document.getElementById("camera");
  var form = document.getElementById("verify-form");
  if (!section || !form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  section.hidden = false;
  var start = document.getElementById("camera-start");
  var video = document.getElementById("camera-video");
  var status = document.getElementById("camera-status");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function stop(stream) {
    stream.getTracks().forEach(function (track) { track.stop(); });
  }

  function scan(stream) {
    if (typeof window.jsQR !== "function") {
      status.textContent = section.dataset.failed;
      stop(stream);
      return;
    }
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        stop(stream);
        document.getElementById("field-payload").value = code.data;
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(function () { scan(stream); });
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        status.textContent = section.dataset.scanning;
        return video.play().then(function () { scan(stream); });
      })
      .catch(function () { status.textContent = section.dataset.failed; });
  });
})();
