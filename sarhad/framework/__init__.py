"""Framework monitoring: commitments, milestones, indicators, evidence, both parties' quarterly assessments,
disputes and recommendations, and the quarterly progress report (HTML and PDF).

Modules: :mod:`~sarhad.framework.model` (the STIX objects), :mod:`~sarhad.framework.ops` (writing them through
the node's publisher: one import for :mod:`~sarhad.framework.template`, :mod:`~sarhad.framework.assessments`,
:mod:`~sarhad.framework.evidence`, :mod:`~sarhad.framework.indicators`, :mod:`~sarhad.framework.milestones`,
:mod:`~sarhad.framework.disputes` and :mod:`~sarhad.framework.recommendations`), :mod:`~sarhad.framework.store`
(the query tables, loading, rebuild),
:mod:`~sarhad.framework.derive` (reconciliation, index, indicator status), :mod:`~sarhad.framework.report`
and :mod:`~sarhad.framework.charts` (the report). See docs/framework.md.
"""
