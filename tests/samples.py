"""Texts the tests share: the sample article and a handful of its sentences."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PATH = ROOT / "seeds" / "japan-canada-intelligence.txt"
SAMPLE = SAMPLE_PATH.read_text(encoding="utf-8")

# Short and long sentences in the sample's style, for the translation engines.
ARABIC_SENTENCES = [
    "اتفقت اليابان وكندا على بدء المحادثات رسميًا.",
    "وقالت وزارة الخارجية اليابانية إن الجانبين يهدفان إلى التوصل إلى اتفاق.",
    "كارثة فوكوشيما عام 2011.",
    "مرحبا",
    "تسعى اليابان إلى مزيد من التعاون مع كندا لتأمين إمدادات الغاز الطبيعي المسال.",
    "ولدى اليابان اتفاقيات مماثلة لتبادل المعلومات مع ثماني دول، بما في ذلك أستراليا وبريطانيا والهند.",
    "أغلقت العديد من المحطات النووية اليابانية بعد كارثة فوكوشيما عام 2011.",
    "دفع نقص إمدادات الطاقة وارتفاع تكلفة المرافق حكومة كيشيدا إلى التركيز على الطاقة الذرية.",
]
