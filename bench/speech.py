"""Listen: how long the server's voice takes for a sentence of the sample, step by step, and how big it is.

    python bench/speech.py [--reps 5]

For each of the 10 sentences of seeds/japan-canada-intelligence.txt, in one process, side by side:
adding the vowels (`models.vowels`, warm), espeak-ng through its library (what Qari uses, with word
events), the `espeak-ng` program on the same voweled text (a process per sentence, for comparison), the
MP3 encoding (lameenc), a whole `speak` with an empty cache (what a first click waits for on the
server), and `speak` again (a cache hit). Medians over sentences of the best of `--reps`; sizes of the
MP3 against the 16-bit WAV. Also: the glossary Anki deck of the sample with and without audio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devkit.samples import SAMPLE
from models.speech import SpeechCache, speak, wav
from models.speech.engine import VOICE, Espeak, wpm
from models.speech.speech import mp3, voweled_for_speech
from models.text.segment import split_sentences


def best(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--no-anki", action="store_true", help="skip the Anki deck (it analyses the sample)")
    args = parser.parse_args()
    sentences = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)]
    engine = Espeak.get()
    voweled_for_speech(sentences[0])  # load the diacritizer
    engine.synthesize("تجربة")
    program = shutil.which("espeak-ng")
    rows: dict[str, list[float]] = {k: [] for k in ("vowels", "library", "program", "mp3", "speak", "hit")}
    seconds, mp3_bytes, wav_bytes = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, sentence in enumerate(sentences):
            spoken = voweled_for_speech(sentence)[0]
            rows["vowels"].append(best(lambda s=sentence: voweled_for_speech(s), args.reps))
            rows["library"].append(best(lambda s=spoken: engine.synthesize(s, 1.0), args.reps))
            if program:
                cmd = [program, "-v", VOICE, "-s", str(wpm(1.0)), "--stdout", spoken]
                rows["program"].append(
                    best(lambda c=cmd: subprocess.run(c, capture_output=True, check=True), args.reps)
                )
            synthesis = engine.synthesize(spoken, 1.0)
            rows["mp3"].append(best(lambda s=synthesis: mp3(s.samples, s.rate), args.reps))
            seconds.append(synthesis.seconds)
            mp3_bytes.append(len(mp3(synthesis.samples, synthesis.rate)))
            wav_bytes.append(len(wav(synthesis.samples, synthesis.rate)))
            fresh = []
            for r in range(args.reps):
                cache = SpeechCache(Path(tmp) / f"{i}-{r}")
                t = time.perf_counter()
                speak(sentence, 1.0, cache=cache)
                fresh.append(time.perf_counter() - t)
            rows["speak"].append(min(fresh))
            rows["hit"].append(best(lambda s=sentence, c=cache: speak(s, 1.0, cache=c), args.reps))
    ms = {k: statistics.median(v) * 1000 for k, v in rows.items() if v}
    print(
        f"sample: {len(sentences)} sentences, {statistics.median(seconds):.1f} s of speech each (median), "
        f"{sum(seconds):.0f} s in all at 1×"
    )
    print("median per sentence, best of", args.reps)
    labels = {
        "vowels": "vowels added (models.vowels, warm)",
        "library": "espeak-ng library (Qari), with word events",
        "program": "espeak-ng program (a process each)",
        "mp3": "MP3 encoding (lameenc)",
        "speak": "speak(), empty cache (all of the above)",
        "hit": "speak(), cache hit",
    }
    for key, label in labels.items():
        if key in ms:
            print(f"  {label:<46} {ms[key]:8.1f} ms")
    if "program" in ms:
        print(f"  library vs program: {ms['program'] / ms['library']:.1f}× faster")
    import io

    import soundfile

    t_sf = []
    for sentence in sentences[:3]:
        synthesis = engine.synthesize(voweled_for_speech(sentence)[0], 1.0)

        def libsndfile(s=synthesis) -> None:
            soundfile.write(
                io.BytesIO(), s.samples, s.rate, format="MP3", compression_level=0.8, bitrate_mode="VARIABLE"
            )

        t_sf.append(best(libsndfile, args.reps) / best(lambda s=synthesis: mp3(s.samples, s.rate), args.reps))
    print(
        f"  MP3 by libsndfile (soundfile, VBR 0.8) takes {statistics.median(t_sf):.1f}× lameenc's time "
        "(3 sentences, side by side)"
    )
    kbps = statistics.median(b * 8 / s / 1000 for b, s in zip(mp3_bytes, seconds))
    print(
        f"MP3 {statistics.median(mp3_bytes) / 1024:.1f} KiB a sentence ({kbps:.0f} kbit/s) against WAV "
        f"{statistics.median(wav_bytes) / 1024:.1f} KiB: {statistics.median(w / m for w, m in zip(wav_bytes, mp3_bytes)):.1f}× smaller"
    )
    if not args.no_anki:
        from models import pipeline
        from models.study.export import glossary_apkg

        doc = pipeline.analyze(SAMPLE)
        with tempfile.TemporaryDirectory() as tmp:
            cache = SpeechCache(Path(tmp))
            t = time.perf_counter()
            plain = glossary_apkg(doc)
            t_plain = time.perf_counter() - t
            t = time.perf_counter()
            voiced = glossary_apkg(doc, audio=lambda text: speak(text, 1.0, cache=cache).audio)
            t_cold = time.perf_counter() - t
            t = time.perf_counter()
            glossary_apkg(doc, audio=lambda text: speak(text, 1.0, cache=cache).audio)
            t_warm = time.perf_counter() - t
        print(
            f"glossary Anki deck ({len(doc.glossary)} entries): {t_plain:.2f} s without audio "
            f"({len(plain) / 1024:.0f} KiB); with audio {t_cold:.1f} s the first time, {t_warm:.2f} s again "
            f"({len(voiced) / 1024:.0f} KiB)"
        )


if __name__ == "__main__":
    main()
