"""The sample article and the Arabic/English lines the tiny models are trained on."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repository

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

# A few sentences in the style of the seed article, plus plain English for the target side.
TRAINING_ARABIC = [
    "اتفقت اليابان وكندا على بدء المحادثات رسميًا نحو توقيع اتفاق لتبادل المعلومات الاستخباراتية العسكرية.",
    "اعتمد وزيرا خارجيتهما يوم الثلاثاء خطة عمل لتعزيز التعاون في مجالات الدفاع والأمن الاقتصادي.",
    "وقالت وزارة الخارجية اليابانية إن الجانبين يهدفان إلى التوصل إلى اتفاق في أقرب وقت ممكن.",
    "عمدت اليابان إلى تعميق التعاون الدفاعي خارج حليفها الرئيسي، الولايات المتحدة، في السنوات الأخيرة.",
    "ولدى اليابان اتفاقيات مماثلة لتبادل المعلومات مع ثماني دول، بما في ذلك أستراليا وبريطانيا والهند.",
    "اتفقت اليابان وكندا يوم الثلاثاء على توسيع علاقاتهما العسكرية من خلال إجراء تدريبات مشتركة.",
    "وقالت جولي إن إستراتيجية كندا تهدف إلى استكمال الجهود التي يبذلها الشركاء.",
    "تسعى اليابان إلى مزيد من التعاون مع كندا لتأمين إمدادات الغاز الطبيعي المسال.",
    "دفع نقص إمدادات الطاقة وارتفاع تكلفة المرافق حكومة كيشيدا إلى التركيز على الطاقة الذرية.",
    "أغلقت العديد من المحطات النووية اليابانية بعد كارثة فوكوشيما عام 2011.",
]
TRAINING_ENGLISH = [
    "Japan and Canada agreed to formally start talks on an intelligence sharing pact.",
    "The two foreign ministers adopted an action plan on Tuesday.",
    "The plan strengthens cooperation in defence and economic security.",
    "Both sides aim to reach an agreement as soon as possible.",
    "Japan has deepened defence cooperation beyond its main ally, the United States.",
    "Japan has similar agreements with eight countries, including Australia, Britain and India.",
    "The countries will hold joint military exercises.",
    "Joly said Canada's strategy will complement the efforts of its partners.",
    "Japan seeks more cooperation with Canada to secure liquefied natural gas.",
    "Many Japanese nuclear plants closed after the Fukushima disaster in 2011.",
]
