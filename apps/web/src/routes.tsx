import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AppLayout } from './components/AppLayout';
import { AccessLogPage } from './pages/AccessLogPage';
import { AdminPage } from './pages/AdminPage';
import { FormPage } from './pages/FormPage';
import { FormsPage } from './pages/FormsPage';
import { LoginPage } from './pages/LoginPage';
import { ResidentPage } from './pages/ResidentPage';
import { ReviewPage } from './pages/ReviewPage';
import { RosterPage } from './pages/RosterPage';
import { SearchPage } from './pages/SearchPage';
import { useSession } from './session';

/** The page's addresses: each one can be bookmarked and opened in a new tab. */
export function AppRoutes() {
  const { token } = useSession();
  const location = useLocation();
  if (!token && location.pathname !== '/login')
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<AppLayout />}>
        <Route path="/" element={<SearchPage />} />
        <Route path="/residents/:id" element={<ResidentPage />} />
        <Route path="/residents/:id/access-log" element={<AccessLogPage />} />
        <Route path="/forms" element={<FormsPage />} />
        <Route path="/forms/:templateId" element={<FormPage />} />
        <Route path="/roster" element={<RosterPage />} />
        <Route path="/review" element={<ReviewPage />} />
        <Route path="/admin" element={<AdminPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
