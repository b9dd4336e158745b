"""The results' tally no longer stores a community's rows over every audience, (c, ALL) for c ≠ ALL
(`pufa.surveys.tally`): each is the sum of the community's rows of the audiences, (c, a) for a ≠ ALL, which are
stored and which the readers now sum. Forward deletes them; backward puts them back as those sums, the rows
the counting before this change wrote. ALL is 0 (`Tally.ALL`), written out: a migration imports no app code.
The same SQL on SQLite and PostgreSQL (PostgreSQL's sum of bigints is a numeric, assigned back to bigint).
"""

from django.db import migrations

FORWARD = "DELETE FROM surveys_tally WHERE community <> 0 AND audience = 0"

BACKWARD = """
INSERT INTO surveys_tally (survey_id, revision, community, audience, question, kind, item, n, scored, total, squares)
SELECT survey_id, revision, community, 0, question, kind, item, SUM(n), SUM(scored), SUM(total), SUM(squares)
FROM surveys_tally
WHERE community <> 0 AND audience <> 0
GROUP BY survey_id, revision, community, question, kind, item
"""


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_response_tallied")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD, elidable=True)]
