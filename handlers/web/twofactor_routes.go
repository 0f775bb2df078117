package web

// twoFactorRoutes lists the enrollment, code, settings, members, audit and
// account-security routes. The pending ones are all a session between the
// password and the code can reach, with logout.
func (s *Server) twoFactorRoutes() []route {
	return []route{
		get("/verify", accessPending, s.verifyForm),
		post("/verify", accessPending, s.verifyCode),
		post("/verify/send", accessPending, s.verifySend),
		post("/verify/emergency", accessPending, s.verifyEmergency),
		get("/verify/status", accessPending, s.verifyStatusJSON),
		get("/phone", accessPending, s.phoneForm),
		post("/phone", accessPending, s.enroll),
		post("/phone/recovery", accessPending, s.useRecovery),
		get("/phone/done", accessPending, s.emergencyDone),

		get("/projects/:id/settings", accessFull, s.settings),
		post("/projects/:id/settings/authenticate", accessFull, s.settingsAuthenticate),
		post("/projects/:id/settings", accessFull, s.saveSettings),
		post("/projects/:id/rename", accessFull, s.renameProject),
		get("/projects/:id/members", accessFull, s.members),
		post("/projects/:id/members", accessFull, s.addMember),
		post("/projects/:id/members/role", accessFull, s.changeRole),
		post("/projects/:id/members/remove", accessFull, s.removeMember),
		post("/projects/:id/members/reset", accessFull, s.resetMember),
		get("/projects/:id/members/confirm", accessFull, s.confirmMember),
		get("/projects/:id/invited", accessFull, s.invited),
		get("/projects/:id/recovery", accessFull, s.recoveryShown),
		post("/projects/:id/accept", accessFull, s.acceptInvitation),
		post("/projects/:id/decline", accessFull, s.declineInvitation),
		get("/projects/:id/audit", accessFull, s.auditLog),

		post("/account/phone", accessFull, s.changePhone),
		post("/account/emergency", accessFull, s.regenerateEmergency),
		post("/account/trusted/revoke", accessFull, s.revokeTrusted),
	}
}
