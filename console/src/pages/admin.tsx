// Staff and sessions (admins): who may sign in with which role, and who is signed in now.
import { useState } from "preact/hooks";
import doc from "../operations/Admin.graphql?raw";
import inviteDoc from "../operations/InviteStaff.graphql?raw";
import roleDoc from "../operations/ChangeStaffRole.graphql?raw";
import revokeDoc from "../operations/RevokeSession.graphql?raw";
import type { AdminQuery, ChangeStaffRoleMutation, InviteStaffMutation, InviteStaffMutationVariables, RevokeSessionMutation, StaffRole } from "../gql/types";
import { request } from "../api";
import { Action, Frame, Header, Refusal, useSubmit } from "../components/ui";
import { label, moment } from "../format";
import { useQuery } from "../hooks";

const ROLES: StaffRole[] = ["ADMIN", "FINANCE", "COLLECTIONS", "CREDIT", "SALES", "SUPPORT", "VIEWER"];

function RoleOptions() {
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {label(r)}
        </option>
      ))}
    </>
  );
}

function Invite({ done }: { done: () => void }) {
  const { message, submit: send } = useSubmit();
  const submit = (event: Event) => {
    event.preventDefault();
    const target = event.target as HTMLFormElement;
    const form = new FormData(target);
    const input = { email: String(form.get("email")), role: String(form.get("role")) as StaffRole, name: String(form.get("name") ?? "") };
    return send(
      async () => (await request<InviteStaffMutation, InviteStaffMutationVariables>(inviteDoc, { input })).inviteStaff,
      () => {
        target.reset();
        done();
      },
    );
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label="Invite a staff member">
      <label>
        Email
        <input name="email" type="email" required />
      </label>
      <label>
        Name
        <input name="name" />
      </label>
      <label>
        Role
        <select name="role">
          <RoleOptions />
        </select>
      </label>
      <button type="submit">Invite</button>
      <Refusal message={message} />
    </form>
  );
}

function RoleSelect({ member, done }: { member: AdminQuery["staffMembers"][number]; done: () => void }) {
  const [role, setRole] = useState<StaffRole>(member.role);
  return (
    <span class="resolve">
      <label>
        <span class="visually-hidden">Role of {member.email}</span>
        <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as StaffRole)}>
          <RoleOptions />
        </select>
      </label>
      {role !== member.role && (
        <Action label="Change role" run={async () => (await request<ChangeStaffRoleMutation, object>(roleDoc, { memberId: member.id, role })).changeStaffRole} done={done} />
      )}
    </span>
  );
}

export function Admin() {
  const state = useQuery<AdminQuery, Record<string, never>>(doc, {});
  return (
    <>
      <Header title="Staff and sessions" />
      <Frame state={state}>
        {(data) => (
          <>
            <section aria-labelledby="staff">
              <h2 id="staff">Staff</h2>
              <Invite done={state.reload} />
              <div class="table-wrap">
                <table>
                  <caption>Staff members ({data.staffMembers.length})</caption>
                  <thead>
                    <tr>
                      <th scope="col">Email</th>
                      <th scope="col">Signed in once</th>
                      <th scope="col">Role</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.staffMembers.map((m) => (
                      <tr key={m.id}>
                        <th scope="row">{m.email}</th>
                        <td>{m.linked ? "Yes" : "Not yet"}</td>
                        <td>
                          <RoleSelect member={m} done={state.reload} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
            <section aria-labelledby="sessions">
              <h2 id="sessions">Live sessions</h2>
              <div class="table-wrap">
                <table>
                  <caption>Browser sessions, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Who</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Started</th>
                      <th scope="col">Last seen</th>
                      <th scope="col">Expires</th>
                      <th scope="col">Address</th>
                      <th scope="col">End</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.signInSessions.map((s) => (
                      <tr key={s.id}>
                        <th scope="row">{s.principal}</th>
                        <td>{s.kind}</td>
                        <td>{moment(s.createdAt)}</td>
                        <td>{moment(s.lastSeenAt)}</td>
                        <td>{moment(s.expiresAt)}</td>
                        <td>{s.ip}</td>
                        <td>
                          <Action label="Revoke" run={async () => (await request<RevokeSessionMutation, object>(revokeDoc, { id: s.id })).revokeSession} done={state.reload} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          </>
        )}
      </Frame>
    </>
  );
}
