from app.accounts.models import Role
from tests.factories import log_in, make_hearing, make_staff_user, make_testimony


def test_moderator_signs_in_and_sees_the_queue(client, db):
    user = make_staff_user(Role.MODERATOR)
    hearing = make_hearing()
    make_testimony(hearing)
    db.session.commit()
    response = log_in(client, user)
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 200
    queue = client.get(f"/staff/hearings/{hearing.id}/queue")
    assert queue.status_code == 200
    assert "Denise Okafor" in queue.text
