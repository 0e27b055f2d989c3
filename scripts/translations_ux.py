"""English for the strings of the first-time-user fixes (issue 28); merged into TRANSLATIONS by translate_en.py."""

UX = {
    "已知 {share}% 的权重（{known}/{n} 项）": "{share}% of the weight known ({known}/{n} criteria)",
    "大部分距离未知：{total} 项园区距离中只有 {known} 项已知。得分只按已知的指标计算，并注明已知的权重比例；"
    "未知不计分，也不扣分。": "Most distances are unknown: only {known} of {total} park distances are known. "
    "Scores use the known criteria only and say how much of the weight is known; an unknown value neither adds "
    "nor costs points.",
    "已选所需产业：列出该产业的园区排在前面，其次是未列产业的园区，最后是不匹配的园区。": "Industries chosen: parks "
    "listing one of them come first, then parks listing no industry, then parks that do not match.",
    "每格：数值 · 归一化值 → 加权得分。得分只按已知指标计算：未知值不计分，标为“缺数据”，并注明已知的权重比例。": "Each "
    "cell: value · normalised → weighted points. Scores use the known criteria only: unknown values are flagged "
    "“missing data” and count neither way, and the known share of the weight is given.",
    "方法：距离在 UTM 48N 中由园区几何量至最近目标；每项得分 = max(0, 1 − d/dmax)，总分为已知指标的加权平均。": "Method: "
    "distances in metres (UTM 48N) from the park geometry to the nearest target; each criterion scores "
    "max(0, 1 − d/dmax), and the score is the weighted mean of the known criteria.",
}
UX["调整权重与筛选"] = "Adjust weights and filters"
UX["勾选你要找的产业：列出其中任一产业的园区排在前面，并得“产业匹配”分。园区的“主导产业”是它自己列出的产业。"] = (
    "Tick the industries you look for: parks listing any of them come first and score on “industry match”. "
    "A park's “leading industries” are the ones it lists itself."
)
UX["搜索产业"] = "Search industries"
UX["只显示匹配的园区"] = "Show only matching parks"
