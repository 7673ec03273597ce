"""The message catalogue: every fixed text of reports, register and sites, in zh-CN and English.

Texts are looked up by key (`Messages.text`); names that are data (competencies, levels) come
from the scheme. A test checks that both languages define the same keys and placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from grading.reports.errors import ReportError
from grading.reports.messages_sites import SITE_TEXTS

LANGUAGES: Final = ("zh", "en")
DEFAULT_LANGUAGE: Final = "zh"
HTML_LANG: Final = {"zh": "zh-CN", "en": "en"}

REPORT_TEXTS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        # trainee report
        "report.title": "客户经理资格认证报告",
        "report.trainee": "学员",
        "report.trainee_id": "学员编号",
        "report.org_unit": "所属机构",
        "report.exam": "考试",
        "report.exam_date": "考试日期",
        "report.as_of": "报告日期",
        "report.level": "认证级别",
        "report.overall": "总分",
        "report.overall_rule": "总分不低于 {overall_min}，且每项能力不低于 {competency_min}",
        "report.competencies": "各项能力得分",
        "report.competency": "能力",
        "report.score": "得分",
        "report.share": "得分率",
        "report.pass_mark": "合格线",
        "report.met": "达标",
        "report.not_met": "未达标",
        "report.decision": "认证结论",
        "report.certificate": "证书",
        "report.certificate_id": "证书编号",
        "report.valid_from": "发证日期",
        "report.valid_until": "有效期至",
        "report.validity": "有效期",
        "report.validity_range": "{start} 至 {end}",
        "report.page_of": "第 {page} / {pages} 页",
        "report.certificate_status": "证书状态",
        "report.no_certificate": "未颁发证书",
        "report.strengths": "优势",
        "report.gaps": "待提升",
        "report.none": "无",
        "report.revisit": "建议复习的课程模块",
        "report.module": "模块 {number}：{title}",
        "report.questions": "逐题结果",
        "report.question": "题目",
        "report.points": "得分 / 满分",
        "report.result": "结果",
        "report.questions_note": "只列出每题的得分与对错，不显示标准答案或隐藏测试。",
        "report.pending_note": "结论待定：尚有人工评分题未评完，或提交需要培训师处理。",
        "report.footer": "{scheme}（{version}）· {body} · 生成于 {as_of}",
        "chart.competencies": "各项能力得分率与合格线",
        "chart.share": "得分率",
        "chart.pass_mark": "合格线",
        "outcome.right": "正确",
        "outcome.partial": "部分得分",
        "outcome.wrong": "错误",
        "outcome.ungraded": "待评分",
        "decision.certified": "通过认证",
        "decision.failed": "未通过",
        "decision.pending": "待定",
        "status.valid": "有效",
        "status.expired": "已过期",
        "status.revoked": "已撤销",
        "status.pending": "待定",
        "status.failed": "未通过",
        # cohort report
        "cohort.title": "学员群体报告（培训师）",
        "cohort.trainees": "学员人数",
        "cohort.pass_rate": "通过率",
        "cohort.pass_rate_note": "通过率 = 通过认证人数 ÷ 已有结论（通过或未通过）人数；待定者不计入。",
        "cohort.distribution": "总分分布",
        "chart.distribution": "总分得分率分布",
        "chart.trainees": "人数",
        "chart.overall_min": "总分合格线",
        "cohort.by_competency": "各项能力",
        "cohort.mean_share": "平均得分率",
        "cohort.competency_pass": "达标率",
        "cohort.items": "题目统计",
        "cohort.items_note": (
            "难度 p = 平均得分 ÷ 满分；区分度为题目得分与“去掉该题后的总分”的点二列（皮尔逊）相关，"
            "避免题目与自身相关而虚高。只统计已有结论的 {n} 名学员。"
        ),
        "cohort.max_points": "满分",
        "cohort.difficulty": "难度 p",
        "cohort.discrimination": "区分度 r",
        "cohort.flags": "复核提示",
        "cohort.flagged": "需复核的题目",
        "cohort.no_flags": "没有需要复核的题目。",
        "cohort.similar": "疑似雷同的客户评价报告",
        "cohort.no_similar": "没有发现高度相似的报告。",
        "cohort.similar_count": "共 {pairs} 对报告相似度 ≥ 60%，涉及 {trainees} 名学员；下表列出最相似的 {shown} 对。",
        "cohort.similar_full": "完整清单（CSV）：{file}",
        "cohort.similar_note": "按字符四元组的 Jaccard 相似度比较（已去除试卷模板文字），相似度 ≥ 60% 的报告对请评分员复核；相似不等于抄袭。",
        "cohort.trainee_a": "学员 A",
        "cohort.trainee_b": "学员 B",
        "cohort.similarity": "相似度",
        "cohort.reliability": "信度",
        "cohort.alpha": "Cronbach α（对错计分的题目即 KR-20）：{alpha}",
        "cohort.alpha_target": "认证考试通常要求 α ≥ 0.8。",
        "cohort.alpha_undefined": "学员或题目太少，或总分没有差异，无法计算信度。",
        "cohort.fairness": "变式公平性",
        "cohort.fairness_note": "按“{role}”角色客户的行业分组，比较自动评分题的得分率。",
        "cohort.stratum": "分组",
        "cohort.mean": "平均",
        "cohort.sd": "标准差",
        "cohort.difference": "与总体之差",
        "cohort.index": "指数（总体 = 100，目标 97–103）",
        "cohort.anova": "单因素方差分析：F = {f}，p = {p}",
        "cohort.anova_undefined": "分组人数太少，不做显著性检验。",
        "cohort.too_few": "已有结论的学员不足 2 人，暂不计算题目统计。",
        "flag.negative": "区分度为负（检查答案键；人工评分项检查评分标准的执行）",
        "flag.low": "区分度低",
        "flag.easy": "过易",
        "flag.hard": "过难",
        "flag.constant": "无人差异",
        # register
        "register.employee_no": "员工编号",
        "register.name": "姓名",
        "register.email": "邮箱",
        "register.org_unit": "所属机构",
        "register.exam": "考试",
        "register.level": "认证级别",
        "register.decision": "认证结论",
        "register.decision_reason": "结论原因",
        "register.score": "得分",
        "register.max_score": "满分",
        "register.status": "证书状态",
        "register.issued_on": "发证日期",
        "register.expires_on": "有效期至",
        "register.certificate_id": "证书编号",
        "register.revoked_on": "撤销日期",
        "register.revocation_reason": "撤销原因",
        "register.sheet": "证书登记",
    },
    "en": {
        "report.title": "Qualification report",
        "report.trainee": "Trainee",
        "report.trainee_id": "Trainee id",
        "report.org_unit": "Org unit",
        "report.exam": "Exam",
        "report.exam_date": "Exam date",
        "report.as_of": "Report date",
        "report.level": "Level",
        "report.overall": "Overall",
        "report.overall_rule": "Overall at least {overall_min} and every competency at least {competency_min}",
        "report.competencies": "Scores by competency",
        "report.competency": "Competency",
        "report.score": "Score",
        "report.share": "Share",
        "report.pass_mark": "Pass mark",
        "report.met": "met",
        "report.not_met": "not met",
        "report.decision": "Decision",
        "report.certificate": "Certificate",
        "report.certificate_id": "Certificate id",
        "report.valid_from": "Valid from",
        "report.valid_until": "Valid until",
        "report.validity": "Validity",
        "report.validity_range": "{start} to {end}",
        "report.page_of": "Page {page} of {pages}",
        "report.certificate_status": "Certificate status",
        "report.no_certificate": "No certificate issued",
        "report.strengths": "Strengths",
        "report.gaps": "Gaps",
        "report.none": "none",
        "report.revisit": "Curriculum modules to revisit",
        "report.module": "Module {number}: {title}",
        "report.questions": "Results by question",
        "report.question": "Question",
        "report.points": "Points / max",
        "report.result": "Result",
        "report.questions_note": "Points and right or wrong only; no expected answers or hidden tests.",
        "report.pending_note": (
            "Decision pending: a manually graded item is not graded yet, or the submission needs a trainer."
        ),
        "report.footer": "{scheme} ({version}) · {body} · generated {as_of}",
        "chart.competencies": "Share of points by competency, with the pass mark",
        "chart.share": "Share of points",
        "chart.pass_mark": "Pass mark",
        "outcome.right": "right",
        "outcome.partial": "partly right",
        "outcome.wrong": "wrong",
        "outcome.ungraded": "not graded yet",
        "decision.certified": "certified",
        "decision.failed": "not certified",
        "decision.pending": "pending",
        "status.valid": "valid",
        "status.expired": "expired",
        "status.revoked": "revoked",
        "status.pending": "pending",
        "status.failed": "failed",
        "cohort.title": "Cohort report (trainers)",
        "cohort.trainees": "Trainees",
        "cohort.pass_rate": "Pass rate",
        "cohort.pass_rate_note": "Pass rate = certified ÷ decided (certified or failed); pending trainees are left out.",
        "cohort.distribution": "Score distribution",
        "chart.distribution": "Distribution of overall shares",
        "chart.trainees": "Trainees",
        "chart.overall_min": "Overall pass mark",
        "cohort.by_competency": "By competency",
        "cohort.mean_share": "Mean share",
        "cohort.competency_pass": "Met the minimum",
        "cohort.items": "Item statistics",
        "cohort.items_note": (
            "Difficulty p = mean points ÷ max points; discrimination is the point-biserial (Pearson) "
            "correlation of the item with the total score excluding that item, so that an item is not "
            "correlated with itself. Only the {n} decided trainees are counted."
        ),
        "cohort.max_points": "Max points",
        "cohort.difficulty": "Difficulty p",
        "cohort.discrimination": "Discrimination r",
        "cohort.flags": "Review",
        "cohort.flagged": "Items flagged for review",
        "cohort.no_flags": "No item needs review.",
        "cohort.similar": "Evaluation reports that look alike",
        "cohort.no_similar": "No pair of reports is highly similar.",
        "cohort.similar_count": "{pairs} pairs of reports are 60% or more alike, involving {trainees} trainees; the {shown} closest are listed.",
        "cohort.similar_full": "Full list (CSV): {file}",
        "cohort.similar_note": "Jaccard similarity of character 4-grams (exam template removed); a trainer should review pairs at 60% or more. Similar is not proof of copying.",
        "cohort.trainee_a": "Trainee A",
        "cohort.trainee_b": "Trainee B",
        "cohort.similarity": "Similarity",
        "cohort.reliability": "Reliability",
        "cohort.alpha": "Cronbach's alpha (= KR-20 for right/wrong items): {alpha}",
        "cohort.alpha_target": "Certification exams aim for alpha ≥ 0.8.",
        "cohort.alpha_undefined": "Too few trainees or items, or no spread of totals: reliability undefined.",
        "cohort.fairness": "Variant fairness",
        "cohort.fairness_note": "Autograded share by the industry of the '{role}' client of each variant.",
        "cohort.stratum": "Stratum",
        "cohort.mean": "Mean",
        "cohort.sd": "SD",
        "cohort.difference": "Difference from all",
        "cohort.index": "Index (all = 100; target 97–103)",
        "cohort.anova": "One-way ANOVA: F = {f}, p = {p}",
        "cohort.anova_undefined": "Strata too small for a significance test.",
        "cohort.too_few": "Fewer than 2 decided trainees: no item statistics yet.",
        "flag.negative": "negative discrimination (check the key; for a hand-marked criterion, how the rubric was applied)",
        "flag.low": "low discrimination",
        "flag.easy": "too easy",
        "flag.hard": "too hard",
        "flag.constant": "no variance",
        "register.employee_no": "employee_no",
        "register.name": "name",
        "register.email": "email",
        "register.org_unit": "org_unit",
        "register.exam": "exam",
        "register.level": "level",
        "register.decision": "decision",
        "register.decision_reason": "decision_reason",
        "register.score": "score",
        "register.max_score": "max_score",
        "register.status": "status",
        "register.issued_on": "issued_on",
        "register.expires_on": "expires_on",
        "register.certificate_id": "certificate_id",
        "register.revoked_on": "revoked_on",
        "register.revocation_reason": "revocation_reason",
        "register.sheet": "Certificates",
    },
}


CATALOGUE: Final[dict[str, dict[str, str]]] = {
    lang: {**REPORT_TEXTS[lang], **SITE_TEXTS[lang]} for lang in LANGUAGES
}


class LanguageError(ReportError):
    """A language the catalogue does not have."""


@dataclass(frozen=True)
class Messages:
    """The fixed texts of one language."""

    lang: str
    """Language code (``zh`` or ``en``)."""

    @classmethod
    def for_language(cls, lang: str) -> Messages:
        """The catalogue of ``lang``.

        Raises:
            LanguageError: unknown language.
        """
        if lang not in CATALOGUE:
            raise LanguageError(f"--lang {lang}: unknown language; choose one of {', '.join(LANGUAGES)}.")
        return cls(lang)

    @property
    def html_lang(self) -> str:
        """The language tag for ``<html lang=...>``."""
        return HTML_LANG[self.lang]

    def text(self, key: str, **values: object) -> str:
        """The text of ``key`` with ``values`` filled in."""
        return CATALOGUE[self.lang][key].format(**values)
